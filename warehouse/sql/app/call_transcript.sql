-- One call's masked transcript in turn order, with the call's team, agent and QA findings per turn.
SELECT
    t.turn,
    t.speaker,
    t.t_s,
    t.text_masked,
    COALESCE(
        (SELECT list(f.check_name ORDER BY f.check_name) FROM marts.agent_qa_findings AS f
         WHERE f.call_id = t.call_id AND f.turn = t.turn),
        []::VARCHAR[]
    ) AS checks
FROM marts.call_turns AS t
WHERE t.call_id = $call_id
ORDER BY t.turn;
