package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Start-up checks of the local stack's folders: a missing or read-only
// data folder would otherwise surface as SQLite's "unable to open database
// file" or as a first upload that fails.

// checkDataPath checks that the data file's folder exists and that this
// process may create files in it, and that an existing data file may be
// written.
func checkDataPath(data string) error {
	dir := filepath.Dir(data)
	if err := checkWritableDir(dir, "数据目录", "--data"); err != nil {
		return err
	}
	fi, err := os.Stat(data)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("配置错误:无法读取数据文件 %s:%w", data, err)
	case fi.IsDir():
		return fmt.Errorf("配置错误:--data %s 是一个目录,应为数据文件的路径(例如 %s)", data, filepath.Join(data, "jianyan.db"))
	}
	f, err := os.OpenFile(data, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("配置错误:数据文件 %s 不可写(%w);请让运行本程序的用户有写权限", data, err)
	}
	return f.Close()
}

// checkWritableDir checks that dir is an existing folder this process can
// create files in. what names it for the message, flag the option that
// sets it.
func checkWritableDir(dir, what, flag string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("配置错误:%s %s 不存在;请先创建它,或用 %s 指向已有的目录", what, dir, flag)
	case err != nil:
		return fmt.Errorf("配置错误:无法访问%s %s:%w", what, dir, err)
	case !fi.IsDir():
		return fmt.Errorf("配置错误:%s %s 不是目录(%s)", what, dir, flag)
	}
	f, err := os.CreateTemp(dir, ".jianyan-write-check-*")
	if err != nil {
		return fmt.Errorf("配置错误:%s %s 不可写(%w);请让运行本程序的用户有写权限,或用 %s 换一个目录", what, dir, err, flag)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
