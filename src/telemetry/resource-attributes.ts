/**
 * OTEL_RESOURCE_ATTRIBUTES, as the OpenTelemetry SDK environment spec defines it: `key=value` pairs
 * separated by commas, keys and values percent-encoded (`deployment.environment=prod,team=bots`). Read
 * from the config's environment like every other variable, so a bad value is a config error that names
 * it; the SDK's own detector reads process.env and drops a malformed list with no more than a debug line.
 */

/** The attributes, or the reason the text is not a valid list. */
export function parseResourceAttributes(text: string): Record<string, string> | { error: string } {
  const attributes: Record<string, string> = {};
  for (const member of text.split(',')) {
    if (!member.trim()) continue;
    const at = member.indexOf('=');
    if (at <= 0) return { error: `'${member.trim()}' is not key=value` };
    try {
      attributes[decodeURIComponent(member.slice(0, at).trim())] = decodeURIComponent(member.slice(at + 1).trim());
    } catch {
      return { error: `'${member.trim()}' has a broken %-escape` };
    }
  }
  return attributes;
}
