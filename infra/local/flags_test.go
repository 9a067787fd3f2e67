package main

import (
	"flag"
	"os"
	"strings"
	"testing"
)

// TestFlagsSpeakChinese: a mistyped option is explained in Chinese, and -h
// lists every option with its Chinese description and default.
func TestFlagsSpeakChinese(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "没有 --nope 这个参数(用 jianyan-local -h 查看可用的参数)"},
		{[]string{"--addr"}, "参数 --addr 后面需要一个值"},
		{[]string{"--backup-keep", "many"}, "参数 --backup-keep 的值 many 无效"},
		{[]string{"--dynamodb=perhaps"}, "参数 --dynamodb 的值 perhaps 无效,只能是 true 或 false"},
		{[]string{"---x"}, "参数 ---x 的写法不对"},
		{[]string{"--rate-limit", "maybe"}, "--rate-limit 只能是 on 或 off"},
	} {
		_, err := parseOptions(c.args, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseOptions(%q) = %v, want an error saying %q", c.args, err, c.want)
		}
	}

	var out strings.Builder
	usageOutput = &out
	t.Cleanup(func() { usageOutput = os.Stderr })
	_, err := parseOptions([]string{"-h"}, func(string) string { return "" })
	if err != flag.ErrHelp {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"用法:jianyan-local [参数]", "--addr 值", "(默认 127.0.0.1:8080)", "--public-base-url 值", "--reset-admin-token\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h output lacks %q:\n%s", want, out.String())
		}
	}
}
