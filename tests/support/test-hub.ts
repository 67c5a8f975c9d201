// Where the test server's self-hosted model mirror lives (see test-model-server.ts), in a module browser tests can
// import (the server's own module reads files with node:fs).

/**
 * A self-hosted model mirror in the hub's layout (<host>/<owner>/<name>/resolve/main/<file>), as a site that opts
 * into another search model would configure it: HUB_MIRROR_MODEL is the bundled GloVe model's files under another
 * id, so switching to it is a real model change (new vectors, re-embedding) without network or new weights.
 */
export const TEST_HUB_PATH = '/test-hub/';
export const HUB_MIRROR_MODEL = 'persona-test/glove-mirror';
