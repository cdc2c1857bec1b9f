/**
 * docs/design.md's workflow table, generated from the code: every workflow the worker registers
 * (workflows/all.ts), the task queue it runs on (WORKFLOW_QUEUE_KIND), its versioning behavior
 * (VERSIONING_BEHAVIOR) and what it does (the workflow function's own doc comment).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WORKFLOW_QUEUE_KIND } from '../workflows/queues';
import { VERSIONING_BEHAVIOR } from '../workflows/versioning';

const workflowsDir = path.resolve(__dirname, '..', 'workflows');

/** Each exported workflow function's doc comment, as one line, by function name. */
function docComments(): Map<string, { file: string; doc: string }> {
  const out = new Map<string, { file: string; doc: string }>();
  for (const file of readdirSync(workflowsDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(workflowsDir, file), 'utf8');
    for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export async function (\w+)/g)) {
      const doc = m[1]!
        .split('\n')
        .map((l) => l.replace(/^\s*\*\s?/, '').trim())
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
      out.set(m[2]!, { file: `workflows/${file}`, doc });
    }
  }
  return out;
}

/** The table as markdown (prettier lays it out). */
export function workflowTable(): string {
  const docs = docComments();
  const rows = Object.keys(WORKFLOW_QUEUE_KIND)
    .sort()
    .map((name) => {
      const found = docs.get(name);
      if (!found) throw new Error(`workflow ${name} has no doc comment in workflows/`);
      const queue = WORKFLOW_QUEUE_KIND[name as keyof typeof WORKFLOW_QUEUE_KIND];
      const behavior = VERSIONING_BEHAVIOR[name as keyof typeof VERSIONING_BEHAVIOR];
      return `| \`${name}\` (${found.file}) | ${queue} | ${behavior} | ${found.doc.replace(/\|/g, '\\|')} |`;
    });
  return [
    '| workflow type | task queue | versioning | what it does |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
