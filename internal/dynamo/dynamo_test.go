package dynamo_test

import (
	"testing"

	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/feedback/storetest"
)

func TestMain(m *testing.M) { dynamotest.Main(m) }

// openStore returns a Store over a fresh table on the test server.
func openStore(tb testing.TB, opts ...dynamo.Option) (*dynamo.Store, string) {
	tb.Helper()
	client := dynamotest.NewClient(tb, dynamotest.Endpoint(tb))
	table := dynamotest.CreateTable(tb, client)
	return dynamo.New(client, table, opts...), table
}

func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) feedback.Store {
		s, _ := openStore(tb)
		return s
	})
}

func TestFileRecordsContract(t *testing.T) {
	storetest.RunFileRecords(t, func(tb testing.TB) feedback.FileRecords {
		s, _ := openStore(tb)
		return s
	})
}

func TestDocumentRecordsContract(t *testing.T) {
	storetest.RunDocumentRecords(t, func(tb testing.TB) feedback.DocumentRecords {
		s, _ := openStore(tb)
		return s
	})
}
