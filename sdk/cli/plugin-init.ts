// `gpoi plugin init <folder>`: a working plugin to start from: manifest, module and a sample input.
import { mkdir, writeFile, access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

const MODULE = `// One JavaScript module. It may import only '@gp-open-integration/sdk/plugin'; the sandbox has no
// network, filesystem or timers, and \`new Date()\` is the platform's clock for this run.
import { definePlugin } from '@gp-open-integration/sdk/plugin';

export default definePlugin({
  run(input, context) {
    const patients = input?.practice?.patients?.edges ?? [];
    context.log(\`\${patients.length} patients at \${context.practice.odsCode}\`);
    return patients.slice(0, 1).map(({ node }) => ({
      kind: 'practice-task.create',
      nhsNumber: node.nhsNumber,
      title: 'Say hello',
      dueDate: context.now.slice(0, 10),
    }));
  },
});
`;

const INPUT_QUERY = `query PluginInput($odsCode: String!) {
  practice(odsCode: $odsCode) {
    ... on Practice { patients(first: 10) { edges { node { nhsNumber } } } }
  }
}`;

export async function initPlugin(folder: string): Promise<number> {
  const dir = resolve(folder);
  const exists = await access(join(dir, 'plugin.json')).then(() => true, () => false);
  if (exists) {
    console.error(`${dir} already has a plugin.json`);
    return 1;
  }
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '') || 'my-plugin';
  const manifest = {
    name: name.length >= 3 ? name : `${name}-plugin`,
    version: '0.1.0',
    description: 'Describe what this plugin does for a practice.',
    triggers: [{ kind: 'manual' }],
    input: { query: INPUT_QUERY },
    scopes: ['patient/Patient.rs', 'system/Task.c'],
    effects: ['practice-task.create'],
    limits: { timeoutMs: 500 },
  };
  const input = { practice: { patients: { edges: [{ node: { nhsNumber: '9990000018' } }] } } };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'plugin.js'), MODULE);
  await writeFile(join(dir, 'input.json'), `${JSON.stringify(input, null, 2)}\n`);
  console.log(`created ${manifest.name} in ${dir}: plugin.json, plugin.js, input.json\nnext: gpoi plugin run ${folder}`);
  return 0;
}
