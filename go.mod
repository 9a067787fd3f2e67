module github.com/jianyan/jianyan

go 1.26.8
