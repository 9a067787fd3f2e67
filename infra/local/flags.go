package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// usageOutput is where -h prints the options (a variable for tests).
var usageOutput io.Writer = os.Stderr

// parseFlags parses args with fs and speaks Chinese to the operator: -h
// lists the options with their Chinese descriptions and defaults, and a
// mistyped option is explained in Chinese instead of the flag package's
// English (which it would print itself; its output is silenced).
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // the flag package calls it on every error too
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(usageOutput, fs)
	}
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%s(用 %s -h 查看可用的参数)", flagError(err), fs.Name())
}

// printUsage lists fs's options: --name, its description and default.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "用法:%s [参数]\n\n参数:\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		arg := " 值"
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			arg = ""
		}
		fmt.Fprintf(w, "  --%s%s\n        %s", f.Name, arg, f.Usage)
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" {
			fmt.Fprintf(w, "(默认 %s)", d)
		}
		fmt.Fprintln(w)
	})
}

// flagErrors are the flag package's messages and what they say in Chinese.
var flagErrors = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`), "没有 --$1 这个参数"},
	{regexp.MustCompile(`^flag needs an argument: -+(\S+)$`), "参数 --$1 后面需要一个值"},
	{regexp.MustCompile(`^invalid boolean value "(.*)" for -+(\S+): .*$`), "参数 --$2 的值 $1 无效,只能是 true 或 false"},
	{regexp.MustCompile(`^invalid value "(.*)" for flag -+(\S+): .*$`), "参数 --$2 的值 $1 无效"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "参数 $1 的写法不对"},
}

// flagError says a flag package error in Chinese.
func flagError(err error) string {
	msg := strings.TrimSpace(err.Error())
	for _, f := range flagErrors {
		if f.re.MatchString(msg) {
			return f.re.ReplaceAllString(msg, f.repl)
		}
	}
	return "参数有误"
}
