// `gpoi plugin publish`: submits the folder's manifest and bundle as a new, immutable version.
import { readPluginFolder } from './plugin-files.js';
import { graphqlRequest } from './api.js';

const PUBLISH = `mutation PublishPluginVersion($manifest: JSON!, $bundle: String!) {
  publishPluginVersion(manifest: $manifest, bundle: $bundle) {
    __typename
    ... on Error { code message }
    ... on PluginVersion { id name version status bundleSha256 bundleBytes }
  }
}`;

export async function publishPlugin(folder: string, options: { url?: string; token?: string }): Promise<number> {
  if (!options.url || !options.token) throw new Error('--url and --token are needed to publish');
  const { manifestText, bundle } = await readPluginFolder(folder);
  const data = await graphqlRequest(options.url, options.token, PUBLISH, { manifest: JSON.parse(manifestText), bundle });
  const answer = data.publishPluginVersion as { __typename: string; code?: string; message?: string; name?: string; version?: string; status?: string; bundleSha256?: string };
  if (answer.__typename !== 'PluginVersion') {
    console.error(`refused: ${answer.code}: ${answer.message}`);
    return 1;
  }
  console.log(`published ${answer.name}@${answer.version}: ${answer.status} (sha256 ${answer.bundleSha256})`);
  return 0;
}
