import { completion, type Responder, sendJson } from "./fake-openai.js";

/**
 * A model that echoes prompts and grades deterministically. A grader request (the judge's
 * system prompt first) scores 1 when the OUTPUT contains the RUBRIC's last word, else 0.2. A
 * rubric containing "MALFORMED" gets a grade that is not JSON; "OUTOFRANGE" a score of 7.
 */
export const gradingModel: Responder = (request, res) => {
  const messages = (request.body as { messages?: Array<{ role: string; content: string }> }).messages ?? [];
  const first = messages[0];
  if (first?.role !== "system") return sendJson(res, 200, completion(first?.content ?? ""));
  const user = messages[1]?.content ?? "";
  const [, rubric = "", output = ""] =
    /RUBRIC:\n<<<\n([\s\S]*?)\n>>>\n\nOUTPUT:\n<<<\n([\s\S]*?)\n>>>$/.exec(user) ?? [];
  if (rubric.includes("MALFORMED")) return sendJson(res, 200, completion("I think it is fine"));
  if (rubric.includes("OUTOFRANGE")) return sendJson(res, 200, completion('{"score": 7, "reason": "great"}'));
  const word = rubric.trim().split(/\s+/).at(-1) ?? "";
  const hit = output.includes(word);
  const grade = { score: hit ? 1 : 0.2, reason: hit ? `mentions ${word}` : `never mentions ${word}` };
  sendJson(res, 200, completion(JSON.stringify(grade)));
};
