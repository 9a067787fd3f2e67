package sqlite_test

import (
	"testing"
	"time"

	"github.com/jianyan/jianyan/internal/feedback"
)

// BenchmarkCreateSuggestion measures one submission's storage write, from
// parallel goroutines as the HTTP server would issue them.
func BenchmarkCreateSuggestion(b *testing.B) {
	st := MustOpenDB(b)
	now := time.Now()
	sym := &feedback.Symposium{ID: feedback.NewID(now), Code: feedback.NewSymposiumCode(), Title: "涉企乱罚款专项整治企业座谈会",
		Status: feedback.SymposiumOpen, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSymposium(b.Context(), sym); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			at := time.Now()
			s := &feedback.Suggestion{
				ID: feedback.NewID(at), Receipt: feedback.NewReceipt(), SymposiumID: sym.ID, Kind: feedback.KindSuggestion,
				ParticipantKind: feedback.Enterprise, Topic: "罚款标准不统一",
				Content: "同一类违法行为,不同执法人员的罚款金额差别很大,建议公开行政处罚裁量基准,推行包容审慎监管。",
				Channel: feedback.ChannelQR, Status: feedback.SuggestionReceived, SubmittedAt: at, UpdatedAt: at,
				IdempotencyKey: feedback.NewID(at),
			}
			if _, _, err := st.CreateSuggestion(b.Context(), s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
