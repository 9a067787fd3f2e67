// Package feedback is Jianyan's domain: symposia (座谈会), suggestions and
// problem leads (意见建议/问题线索), problem lists (问题清单), problems and their
// rectification lifecycle, routing rules (分拣规则), audit events and summaries.
//
// It holds the types, their validation, the allowed status transitions, the
// error kinds every layer speaks, the small storage interface the use cases
// need (Store) and the use cases themselves (Service). It imports no AWS or
// database package: adapters live in sibling packages (sqlite, dynamo, httpapi)
// and depend on this one, never the other way round. What may be stored is
// decided here, once: the stores call the types' Validate methods and store.
//
// Files follow one convention. A domain type with its rules lives in a file
// named after it (symposium.go, suggestion.go, problem.go, rule.go, router.go,
// summary.go, …); the Service's use cases live in <capability>_service.go
// (collect_service.go, route_service.go, problem_service.go, …); access.go
// holds every rule of who may do what, retry.go the one retry loop of the
// optimistic writes, store.go the storage interface and its list filters.
// A test file is named after the file it tests; fixture_test.go holds the
// Service fixture the use-case tests share.
//
// Lengths users see are counted in runes, not bytes: this is a Chinese-language
// product and a 5,000-character limit means 5,000 汉字.
package feedback
