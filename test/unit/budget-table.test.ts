import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { overBudget, readBudgets } from '../budgets/meter';

const doc = (rows: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'budgets-')), 'performance.md');
  writeFileSync(
    file,
    `# x\n<!-- budgets:start -->\n| kind | activities | worker SQL | workflow tasks |\n| --- | --- | --- | --- |\n${rows}\n<!-- budgets:end -->\n`,
  );
  return file;
};

describe('the budget table', () => {
  it('reads its rows by column name and names the kind, counter, budget and new count over it', () => {
    const budgets = readBudgets(doc('| wallet register | 3 | 49 | 7 |'));
    const row = budgets.get('wallet register')!;
    expect(row).toMatchObject({ activities: 3, workerSql: 49, workflowTasks: 7 });
    const measured = { ...row, activities: 4, workerSql: 49, workflowTasks: 8 } as typeof row;
    // One more activity fails; one more task is within the timing slack.
    expect(overBudget('wallet register', row, measured)).toEqual([
      'wallet register: activities over budget: budget 3, now 4',
    ]);
    expect(overBudget('wallet register', row, { ...measured, activities: 3, workerSql: 50 })).toEqual([
      'wallet register: worker SQL over budget: budget 49, now 50',
    ]);
    expect(overBudget('renew', undefined, measured)).toEqual([
      'renew: no row in the budget table (docs/performance.md)',
    ]);
  });

  it('refuses a column it does not know', () => {
    const file = doc('| x | 1 | 2 | 3 |');
    writeFileSync(
      file,
      `<!-- budgets:start -->\n| kind | queries |\n| --- | --- |\n| x | 1 |\n<!-- budgets:end -->\n`,
    );
    expect(() => readBudgets(file)).toThrow('unknown column "queries"');
  });
});
