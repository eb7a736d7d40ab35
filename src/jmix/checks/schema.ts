// The schema check: differences from the published JMIX JSON Schemas. Shown, never fatal: they are
// about key names, not trust.
import type { Check, Dialect, Problem } from '../types.ts';

export function schemaCheck(problems: readonly Problem[], dialect: Dialect): Check {
  if (!problems.length)
    return {
      id: 'schema',
      status: 'pass',
      title: 'Matches the published JMIX schemas',
      detail: 'manifest.json, audit.json, metadata.json and files.json (where present) validate against the spec schemas.',
      data: { problems },
    };
  const jsNote =
    dialect === 'jmix-js'
      ? 'jmix-js writes its own key names (envelope_id, created_at, receivers…), which the spec schemas do not define. '
      : '';
  const listed = problems
    .slice(0, 20)
    .map((p) => `${p.file}${p.pointer}: ${p.message}`)
    .join(' ');
  const more = problems.length > 20 ? ` …and ${problems.length - 20} more.` : '';
  return {
    id: 'schema',
    status: 'warn',
    title: `${problems.length} difference(s) from the published JMIX schemas`,
    detail: `${jsNote}${listed}${more}`,
    data: { problems },
  };
}
