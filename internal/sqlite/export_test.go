package sqlite

// WithSchemaVersion stops migrations at version v and skips seeding, so a
// test can make a file the way older code left it.
func WithSchemaVersion(v int) Option { return func(c *config) { c.maxVersion = v } }

// WithVFS opens every connection of the store through the named SQLite VFS
// (a test's instrumented one).
func WithVFS(name string) Option { return func(c *config) { c.vfs = name } }
