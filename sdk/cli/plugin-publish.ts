// `gpoi plugin publish`: submits the folder's manifest and bundle as a new, immutable version.
import { createClient } from '../client.js';
import { PublishPluginVersionDocument } from '../generated/graphql.js';
import { readPluginFolder } from './plugin-files.js';

export async function publishPlugin(folder: string, options: { url?: string; token?: string }): Promise<number> {
  if (!options.url || !options.token) throw new Error('--url and --token are needed to publish');
  const { manifestText, bundle } = await readPluginFolder(folder);
  const client = createClient({ url: options.url, token: options.token });
  const { publishPluginVersion: answer } = await client.request(PublishPluginVersionDocument, { manifest: JSON.parse(manifestText), bundle });
  if (answer.__typename !== 'PluginVersion') {
    console.error(`refused: ${answer.code}: ${answer.message}`);
    return 1;
  }
  console.log(`published ${answer.name}@${answer.version}: ${answer.status} (sha256 ${answer.bundleSha256}, ${answer.bundleBytes} bytes)`);
  console.log(`id: ${answer.id}`);
  return 0;
}
