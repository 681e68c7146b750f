#!/usr/bin/env node
// gpoi: the supplier's command line. `gpoi plugin init|run|publish`.
import { parseArgs } from 'node:util';
import { initPlugin } from './plugin-init.js';
import { runPluginLocally } from './plugin-run.js';
import { publishPlugin } from './plugin-publish.js';

const USAGE = `usage:
  gpoi plugin init <folder>                      scaffold a plugin (manifest, module, test input)
  gpoi plugin run [folder] [--input file.json]   run it in the production sandbox with its limits
        [--event event.json]                     (as if this event fired: {type, id, subject}; default ./event.json)
        [--url URL --token TOKEN --practice ODS] (take the input from the API at a sandbox practice)
  gpoi plugin publish [folder] --url URL --token TOKEN   submit this version for review`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      event: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      practice: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, folder = '.'] = positionals;
  if (values.help || group !== 'plugin' || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'init':
      return initPlugin(folder);
    case 'run':
      return runPluginLocally(folder, values);
    case 'publish':
      return publishPlugin(folder, values);
    default:
      console.error(`unknown command: ${command}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
