package sqlite

// replyMigration brings suggestions into the reply loop (feedback/reply.go):
//
//   - reply_state is the suggestion's feedback.ReplyState ("" until the
//     first reply), a column so that lists and summaries filter and count
//     by it without decoding data;
//   - round one kept one reply text, written only when a suggestion was
//     declined: it becomes a grade-D reply given when the suggestion was
//     last updated (feedback.LegacyDeclineReply);
//   - the summary's covering index gains reply_state, so counting by it
//     still reads the index alone;
//   - the suggestions waiting for a re-handle (latest reply rated
//     dissatisfied) get a partial index: few rows, and a new suggestion
//     never enters it, so submissions pay nothing for it;
//   - problems' reply tallies (Problem.Feedback) and the unit counters of
//     suggestions and replies start from what is stored: a suggestion
//     declined in round one may have been adopted since.
const replyMigration = `
ALTER TABLE suggestions ADD COLUMN reply_state TEXT NOT NULL DEFAULT '';
UPDATE suggestions SET
	data = json_set(json_remove(data, '$.Reply'), '$.Replies', json_array(json_object(
		'Text', json_extract(data, '$.Reply'), 'Grade', 'D', 'At', json_extract(data, '$.UpdatedAt'), 'By', '', 'Rating', NULL))),
	reply_state = 'replied'
	WHERE coalesce(json_extract(data, '$.Reply'), '') <> '';
UPDATE suggestions SET data = json_remove(data, '$.Reply') WHERE json_type(data, '$.Reply') IS NOT NULL;
CREATE INDEX suggestions_summary_replies ON suggestions
	(submitted_at, id, participant_kind, status, kind, channel, symposium_id, reply_state);
DROP INDEX suggestions_summary;
CREATE INDEX suggestions_rehandle ON suggestions (submitted_at, id) WHERE reply_state = 'dissatisfied';
UPDATE problems SET data = json_set(data, '$.Feedback', json_object(
	'Replied', (SELECT count(*) FROM suggestions s WHERE s.problem_id = problems.id AND s.reply_state <> ''),
	'Rated', 0, 'Satisfied', 0))
	WHERE EXISTS (SELECT 1 FROM suggestions s WHERE s.problem_id = problems.id AND s.reply_state <> '');
INSERT INTO problem_counters (scope, key, name, value)
	SELECT 'unit', unit, 'suggestions', sum(json_array_length(data, '$.SuggestionIDs')) FROM problems
	GROUP BY unit HAVING sum(json_array_length(data, '$.SuggestionIDs')) > 0
	ON CONFLICT (scope, key, name) DO UPDATE SET value = value + excluded.value;
INSERT INTO problem_counters (scope, key, name, value)
	SELECT 'unit', unit, 'replied', sum(json_extract(data, '$.Feedback.Replied')) FROM problems
	WHERE json_extract(data, '$.Feedback.Replied') > 0 GROUP BY unit
	ON CONFLICT (scope, key, name) DO UPDATE SET value = value + excluded.value;
`
