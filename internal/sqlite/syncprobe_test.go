package sqlite_test

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// An instrumented file layer for the durability test: a SQLite VFS shim,
// registered under probeVFS, that is the default (unix) VFS with its
// xWrite, xSync and xClose wrapped. SQLite performs every disk flush
// through xSync (the unix VFS turns it into fsync or fdatasync), so
// counting xSync calls that succeeded counts the flushes of the file, and
// only a successful xSync has made the bytes written before it durable.
//
// The shim numbers events with one counter: each WAL frame written (and
// whether it completes a commit: its header says so and its page has been
// written), each WAL sync (when it started and
// when it returned). Frame pages are scanned for probe markers ("probe-"
// and six digits, which the test writes into suggestions' content), so the
// test knows in which frame a write first reached the WAL, hence which
// commit frame ended its transaction. A write is covered when a WAL sync
// started after that commit frame was written and returned before the
// write was acknowledged.
//
// It relies on the C ABI the transpiled library uses for function
// pointers (a pointer to a Go func value; see modernc.org/sqlite's
// cFuncPointer) and on the sqlite3_vfs and sqlite3_io_methods layouts of
// modernc.org/sqlite/lib, which are SQLite's own.

const probeVFS = "jianyan-syncprobe"

// walFrameHeader is the size of a WAL frame header; SQLite writes each
// header with an xWrite of its own, before the frame's page.
const walFrameHeader = 24

var (
	probeOnce    sync.Once
	probeErr     error
	probeOrig    *sqlite3.Tsqlite3_vfs
	probeActive  atomic.Pointer[syncProbe]
	probeFiles   sync.Map // pFile uintptr → *probeFile
	probeMethods sync.Map // original io_methods uintptr → wrapped io_methods uintptr
	probeMu      sync.Mutex
)

type probeFile struct {
	wal        bool
	orig       *sqlite3.Tsqlite3_io_methods
	commitNext atomic.Bool // the last header written marks a commit: its page ends the commit
}

// syncProbe is what one test run records.
type syncProbe struct {
	seq atomic.Int64

	mu        sync.Mutex
	commits   []int64          // event of each commit frame header written to a WAL
	syncs     [][2]int64       // WAL syncs that succeeded: start and end events
	dbSyncs   int              // syncs of other files (the database file, at checkpoints)
	firstSeen map[string]int64 // probe marker → event of the first WAL page holding it
}

func newSyncProbe() *syncProbe { return &syncProbe{firstSeen: map[string]int64{}} }

// registerProbeVFS registers the shim once per process.
func registerProbeVFS(tb testing.TB) {
	tb.Helper()
	probeOnce.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		dflt := sqlite3.Xsqlite3_vfs_find(tls, 0)
		if dflt == 0 {
			probeErr = errString("no default SQLite VFS")
			return
		}
		probeOrig = (*sqlite3.Tsqlite3_vfs)(ptr(dflt))
		mem := sqlite3.Xsqlite3_malloc(tls, int32(unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})))
		name, err := libc.CString(probeVFS)
		if mem == 0 || err != nil {
			probeErr = errString("out of memory")
			return
		}
		v := (*sqlite3.Tsqlite3_vfs)(ptr(mem))
		*v = *probeOrig
		v.FpNext = 0
		v.FzName = name
		v.FxOpen = cFunc(probeOpen)
		if rc := sqlite3.Xsqlite3_vfs_register(tls, mem, 0); rc != sqlite3.SQLITE_OK {
			probeErr = errString("sqlite3_vfs_register: " + strconv.Itoa(int(rc)))
		}
	})
	if probeErr != nil {
		tb.Fatalf("register the probe VFS: %v", probeErr)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// ptr turns a C address into an unsafe.Pointer without the conversion
// go vet rightly distrusts in general code: these addresses point into the
// transpiled library's own heap, which the Go garbage collector neither
// moves nor frees.
func ptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// cFunc makes a C function pointer of a top-level Go function.
func cFunc[T any](f T) uintptr { return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f})) }

// goFunc makes a callable Go function of a C function pointer.
func goFunc[T any](p uintptr) T { return *(*T)(unsafe.Pointer(&struct{ p uintptr }{p})) }

type (
	xOpenFunc  = func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32
	xWriteFunc = func(*libc.TLS, uintptr, uintptr, int32, int64) int32
	xSyncFunc  = func(*libc.TLS, uintptr, int32) int32
	xCloseFunc = func(*libc.TLS, uintptr) int32
)

func probeOpen(tls *libc.TLS, pVfs, zName, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	rc := goFunc[xOpenFunc](probeOrig.FxOpen)(tls, pVfs, zName, pFile, flags, pOutFlags)
	f := (*sqlite3.Tsqlite3_file)(ptr(pFile))
	if rc != sqlite3.SQLITE_OK || f.FpMethods == 0 {
		return rc
	}
	orig := f.FpMethods
	probeMu.Lock()
	wrapped, ok := probeMethods.Load(orig)
	if !ok {
		mem := sqlite3.Xsqlite3_malloc(tls, int32(unsafe.Sizeof(sqlite3.Tsqlite3_io_methods{})))
		if mem == 0 {
			probeMu.Unlock()
			return rc // unwrapped: the test then sees no syncs and fails
		}
		m := (*sqlite3.Tsqlite3_io_methods)(ptr(mem))
		*m = *(*sqlite3.Tsqlite3_io_methods)(ptr(orig))
		m.FxWrite = cFunc(probeWrite)
		m.FxSync = cFunc(probeSync)
		m.FxClose = cFunc(probeClose)
		probeMethods.Store(orig, mem)
		wrapped = mem
	}
	probeMu.Unlock()
	probeFiles.Store(pFile, &probeFile{wal: flags&sqlite3.SQLITE_OPEN_WAL != 0, orig: (*sqlite3.Tsqlite3_io_methods)(ptr(orig))})
	f.FpMethods = wrapped.(uintptr)
	return rc
}

func probeFileOf(pFile uintptr) *probeFile {
	v, _ := probeFiles.Load(pFile)
	return v.(*probeFile)
}

func probeWrite(tls *libc.TLS, pFile, pBuf uintptr, n int32, off int64) int32 {
	pf := probeFileOf(pFile)
	rc := goFunc[xWriteFunc](pf.orig.FxWrite)(tls, pFile, pBuf, n, off)
	p := probeActive.Load()
	if rc != sqlite3.SQLITE_OK || !pf.wal || p == nil {
		return rc
	}
	buf := unsafe.Slice((*byte)(ptr(pBuf)), n)
	ev := p.seq.Add(1)
	if n == walFrameHeader {
		// Bytes 4–8 of a frame header: the database size in pages after
		// a commit, or 0 for a frame that is not the last of a commit.
		// The commit is complete once the frame's page, written next, is.
		pf.commitNext.Store(binary.BigEndian.Uint32(buf[4:8]) != 0)
		return rc
	}
	if pf.commitNext.Swap(false) {
		p.mu.Lock()
		p.commits = append(p.commits, ev)
		p.mu.Unlock()
	}
	var markers []string
	for rest := buf; ; {
		i := bytes.Index(rest, []byte("probe-"))
		if i < 0 || i+12 > len(rest) {
			break
		}
		markers = append(markers, string(rest[i:i+12]))
		rest = rest[i+12:]
	}
	if len(markers) > 0 {
		p.mu.Lock()
		for _, m := range markers {
			if _, ok := p.firstSeen[m]; !ok {
				p.firstSeen[m] = ev
			}
		}
		p.mu.Unlock()
	}
	return rc
}

func probeSync(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	pf := probeFileOf(pFile)
	p := probeActive.Load()
	var start int64
	if p != nil {
		start = p.seq.Add(1)
	}
	rc := goFunc[xSyncFunc](pf.orig.FxSync)(tls, pFile, flags)
	if rc != sqlite3.SQLITE_OK || p == nil {
		return rc
	}
	end := p.seq.Add(1)
	p.mu.Lock()
	if pf.wal {
		p.syncs = append(p.syncs, [2]int64{start, end})
	} else {
		p.dbSyncs++
	}
	p.mu.Unlock()
	return rc
}

func probeClose(tls *libc.TLS, pFile uintptr) int32 {
	pf := probeFileOf(pFile)
	probeFiles.Delete(pFile)
	return goFunc[xCloseFunc](pf.orig.FxClose)(tls, pFile)
}

// ack is one acknowledged write: its marker and the event taken right
// after the store returned.
type ack struct {
	marker string
	at     int64
}

// uncovered returns the acknowledged writes no WAL sync covered.
func (p *syncProbe) uncovered(acks []ack) (missing []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	slices.Sort(p.commits)
	for _, a := range acks {
		w, ok := p.firstSeen[a.marker]
		if !ok || w > a.at {
			missing = append(missing, a.marker+" (not in the WAL when acknowledged)")
			continue
		}
		c := int64(-1)
		for _, ev := range p.commits { // ascending
			if ev >= w {
				c = ev
				break
			}
		}
		if c < 0 || c > a.at {
			missing = append(missing, a.marker+" (no commit frame before the acknowledgement)")
			continue
		}
		covered := false
		for _, s := range p.syncs {
			if s[0] > c && s[1] < a.at {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, a.marker+" (no flush between its commit and its acknowledgement)")
		}
	}
	return missing
}
