#!/usr/bin/env node
// The `tidings` command: loads the TypeScript sources through tsx and runs the CLI.
import './heap.js';
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
