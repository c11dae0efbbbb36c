#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs the benchmark scenarios under bench/ through tsx.
import './heap.js';
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
