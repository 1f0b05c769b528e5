/** A statement's kind and table, to count statements by ("insert tickets on conflict", "select contacts for update"). */
export function statementLabel(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (/^(begin|commit|rollback)/.test(s)) return s.split(' ')[0]!;
  if (s.includes('pg_advisory_xact_lock')) return 'select pg_advisory_xact_lock';
  const table = (re: RegExp) => re.exec(s)?.[1] ?? '?';
  if (s.startsWith('insert')) return `insert ${table(/^insert into "?(\w+)"?/)}${s.includes('on conflict') ? ' on conflict' : ''}`;
  if (s.startsWith('update')) return `update ${table(/^update "?(\w+)"?/)}`;
  if (s.startsWith('delete')) return `delete ${table(/^delete from "?(\w+)"?/)}`;
  if (s.startsWith('select')) return `select ${table(/ from "?(\w+)"?/)}${s.includes('for update') ? ' for update' : ''}`;
  return s.slice(0, 40);
}
