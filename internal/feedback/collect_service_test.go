package feedback_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jianyan/jianyan/internal/feedback"
)

func TestSubmitRules(t *testing.T) {
	ctx := context.Background()
	svc := newCollectService(t)
	sym, err := svc.CreateSymposium(ctx, collectAdmin, feedback.SymposiumInput{Title: "座谈会"})
	if err != nil {
		t.Fatal(err)
	}
	in := func(content string) feedback.SubmissionInput {
		return feedback.SubmissionInput{ParticipantKind: feedback.Public, Content: content}
	}
	tests := []struct {
		name    string
		code    string
		in      feedback.SubmissionInput
		channel feedback.Channel
		want    string
	}{
		{"five hanzi", sym.Code, in("五个汉字啊"), feedback.ChannelQR, ""},
		{"four hanzi", sym.Code, in("四个汉字"), feedback.ChannelQR, feedback.EInvalid},
		{"5000 hanzi", sym.Code, in(strings.Repeat("字", 5000)), feedback.ChannelWeb, ""},
		{"5001 hanzi", sym.Code, in(strings.Repeat("字", 5001)), feedback.ChannelWeb, feedback.EInvalid},
		{"padded with full-width spaces", sym.Code, in("\u3000\u3000四个汉字\u3000"), feedback.ChannelQR, feedback.EInvalid},
		{"staff channel", sym.Code, in("五个汉字啊"), feedback.ChannelStaffEntry, feedback.EInvalid},
		{"unknown code", "ZZZZZZZZ", in("五个汉字啊"), feedback.ChannelQR, feedback.ENotFound},
		{"garbage code", "../../x", in("五个汉字啊"), feedback.ChannelQR, feedback.ENotFound},
	}
	for _, tt := range tests {
		_, _, err := svc.Submit(ctx, tt.code, tt.in, tt.channel)
		if got := feedback.ErrorCode(err); got != tt.want {
			t.Errorf("%s: code %q (%v), want %q", tt.name, got, err, tt.want)
		}
	}
}
