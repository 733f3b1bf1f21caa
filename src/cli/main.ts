// r2net: run the conformance suites against an implementation, replay a failure, list clauses.
// One file per command under commands/; this file only dispatches and reports errors.
import { log, UsageError } from './args.ts';
import { cmdRun } from './commands/run.ts';
import { cmdReplay } from './commands/replay.ts';
import { cmdList } from './commands/list.ts';
import { cmdReport } from './commands/report.ts';
import { cmdServe } from './commands/serve.ts';

const USAGE = `r2net — conformance suites for the rou2exOS network stack

Usage:
  r2net run     [--impl MODULE|COMMAND] [--layers codec,slip,...] [--runs N] [--seed N|random]
                [--property ID-OR-PREFIX]... [--shard I/N] [--out DIR] [--quiet]
                [--timeout S] [--time-limit S] [--diff]
  r2net replay  --property ID --seed N [--path P] [--impl MODULE]
  r2net replay  --from REPORT.json [--clause ID | --property ID] [--impl MODULE]
  r2net report  [REPORT.json] [--out DIR]
  r2net report  --merge A.json B.json ... [--out DIR] [--partial]
  r2net list    [--layers ...]
  r2net serve   [--mutant NAME|list] [--layers ...] [--options JSON] [--hardware served]
  r2net help

  --impl     the implementation under test: 'reference' (default), a JS/TS module exporting one,
             or a command line speaking spec/contract/protocol.md (no shell; 'cmd:' forces it)
  --timeout  seconds an implementation may take per request (default 10)
  --time-limit  seconds for the whole run; properties not run by then are error rows
  --diff     also compare every trace with the reference's; the first divergence, shrunk,
             goes into the JSON report (never changes a verdict)
  --runs     generated cases per property (default 100; heavy properties scale it down)
  --seed     base seed (default 1); 'random' picks one and prints it
  --out      report directory (default reports/; for report --merge, reports/merged/)
  --from     replay the failures of a JSON report exactly (its seeds, paths and --impl)
  --merge    shards of one run fold into the report one machine would write; runs of
             different implementations become one matrix that shows where they differ
  serve      the reference (or a deliberately wrong mutant) on stdin/stdout over that protocol;
             --hardware served: its drivers and kernel only, every port access and DMA a
             protocol-2 hardware request to the r2net that runs it

Exit status: 0 when every requirement and decision clause passes (hazards never fail a run),
1 when one fails or errors, 2 on a usage or setup error.`;

const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  run: cmdRun,
  replay: cmdReplay,
  list: cmdList,
  report: cmdReport,
  serve: cmdServe,
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? 2 : 0;
  }
  try {
    const run = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
    if (!run) throw new UsageError(`unknown command '${cmd}'`);
    return await run(rest);
  } catch (e) {
    const err = e as Error;
    const isUsage = e instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    log(`r2net: ${err.message}${isUsage ? '\n\n' + USAGE : ''}`);
    if (!isUsage && err.name !== 'ImplementationError' && err.name !== 'SpecError') log(err.stack ?? '');
    return 2;
  }
}
