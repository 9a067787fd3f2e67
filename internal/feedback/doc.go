// Package feedback is Jianyan's domain: symposia (座谈会), suggestions and
// problem leads (意见建议/问题线索), problem lists (问题清单), problems and their
// rectification lifecycle, routing rules (分拣规则), audit events and summaries.
//
// It holds the types, their validation, the allowed status transitions, the
// error kinds every layer speaks, the small storage interface the use cases
// need (Store) and the use cases themselves (Service). It imports no AWS or
// database package: adapters live in sibling packages (sqlite, dynamo, httpapi)
// and depend on this one, never the other way round.
//
// Lengths users see are counted in runes, not bytes: this is a Chinese-language
// product and a 5,000-character limit means 5,000 汉字.
package feedback
