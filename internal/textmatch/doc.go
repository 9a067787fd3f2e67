// Package textmatch finds keywords in Chinese (or any UTF-8) text quickly and
// scores how alike two short texts are.
//
// Matcher is an Aho–Corasick automaton built once over a set of keywords;
// one pass over a text reports every keyword that occurs in it, however many
// keywords there are. It works on bytes: UTF-8 is self-synchronising, so a
// whole valid-UTF-8 pattern can only match a text at a rune boundary and
// byte-level matching gives exactly the rune-level answer. ASCII letters are
// matched case-insensitively; nothing else is folded.
//
// Similarity compares texts by their character bigrams (Dice coefficient),
// which suits Chinese, where words are not separated by spaces: two
// suggestions about "门前三包罚款" share most of their bigrams however the
// sentences around them differ. Punctuation and white space are ignored.
package textmatch
