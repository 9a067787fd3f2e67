// Package filebackend gives tests the two places Jianyan keeps files, so
// that the same file cases (uploads, content checks, the sweep, exports)
// run on both: locally, records in SQLite and bytes in a folder; on AWS,
// records in DynamoDB and bytes in an S3 bucket (both on moto_server,
// through packages dynamotest and s3test, which skip without it unless
// JIANYAN_REQUIRE_TOOLS=1).
//
// The two differ in who judges an upload's bytes: locally the server's
// upload route takes the post and checks the bytes at once
// (feedback.LocalUploads); on AWS the browser posts straight to the bucket,
// and the check function judges the object when S3 reports it. Tests say
// which with ChecksOnPost. moto_server accepts any POST (it does not check
// the signed policy), so on AWS the checking step is what refuses a late
// or oversize upload that real S3 would refuse at the door.
package filebackend

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jianyan/jianyan/internal/diskfiles"
	"github.com/jianyan/jianyan/internal/dynamo"
	"github.com/jianyan/jianyan/internal/dynamo/dynamotest"
	"github.com/jianyan/jianyan/internal/feedback"
	"github.com/jianyan/jianyan/internal/s3files"
	"github.com/jianyan/jianyan/internal/s3files/s3test"
	"github.com/jianyan/jianyan/internal/sqlite"
)

// Store is a record store that keeps file records too, as both adapters'
// stores do.
type Store interface {
	feedback.Store
	feedback.FileRecords
}

// Backend is one place to keep files.
type Backend struct {
	Name string
	// Open returns a fresh, empty store on clock, closed when tb ends.
	Open func(tb testing.TB, clock feedback.Clock) Store
	// Storage returns a fresh, empty file storage on clock. uploadURL is
	// where a storage with no endpoint of its own (the folder) has
	// clients post their uploads: the host's upload route.
	Storage func(tb testing.TB, clock feedback.Clock, uploadURL string) feedback.FileStorage
	// ChecksOnPost says the host judges an upload's bytes as they are
	// posted (the local upload route). Otherwise they land in the bucket
	// and are judged when the bucket reports them (the check function).
	ChecksOnPost bool
}

// Local is SQLite and a folder on disk: `go run ./infra/local`.
var Local = Backend{
	Name: "SQLite and disk",
	Open: func(tb testing.TB, clock feedback.Clock) Store {
		tb.Helper()
		st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "jianyan.db"), sqlite.WithClock(clock))
		if err != nil {
			tb.Fatalf("open sqlite: %v", err)
		}
		tb.Cleanup(func() { _ = st.Close() })
		return st
	},
	Storage: func(tb testing.TB, clock feedback.Clock, uploadURL string) feedback.FileStorage {
		tb.Helper()
		s, err := diskfiles.New(filepath.Join(tb.TempDir(), "jianyan-files"), diskfiles.Options{UploadURL: uploadURL, Now: clock})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	},
	ChecksOnPost: true,
}

// AWS is DynamoDB and S3, on moto_server: the deployed stack.
var AWS = Backend{
	Name: "DynamoDB and S3",
	Open: func(tb testing.TB, clock feedback.Clock) Store {
		tb.Helper()
		client := dynamotest.NewClient(tb, dynamotest.Endpoint(tb))
		return dynamo.New(client, dynamotest.CreateTable(tb, client), dynamo.WithClock(clock))
	},
	Storage: func(tb testing.TB, clock feedback.Clock, _ string) feedback.FileStorage {
		tb.Helper()
		ep := s3test.Endpoint(tb)
		s, err := s3files.New(s3files.Config{Bucket: s3test.CreateBucket(tb, ep), Region: s3test.Region, Endpoint: ep, Credentials: s3test.Credentials, Now: clock})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	},
}

// All is every backend, local first.
var All = []Backend{Local, AWS}

// Main runs a test binary's tests and stops the moto server the AWS
// backend started:
//
//	func TestMain(m *testing.M) { filebackend.Main(m) }
func Main(m *testing.M) { dynamotest.Main(m) }
