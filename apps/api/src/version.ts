import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@gatehouse/common';

const pkg = JSON.parse(readFileSync(join(findRepoRoot(), 'package.json'), 'utf8')) as { version: string };
export const APP_VERSION = pkg.version;
