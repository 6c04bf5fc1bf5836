/** Text as HTML text or attribute value. Pure. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that can sit inside a `<script type="application/json">` element: `<` is written
 * `\u003c` (the same string to JSON.parse), so that no `</script>` or `<!--` in an app name, a
 * reason or a log message can end the element early. Pure.
 */
export function escapeScriptJson(json: string): string {
  return json.replace(/</g, '\\u003c');
}

/**
 * The page script, safe inside `<script>`: `</script` and `<!--` cannot occur in it. In the
 * minified script they could only be inside strings or regular expressions, where `<\/` and
 * `<\!` mean the same. Pure.
 */
export function escapeScriptText(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
