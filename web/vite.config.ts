// Vite configuration of the console: React, built into web/dist, served by the API server at `/`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2048 },
  // `npx vite web` serves the console with hot reload against an API on :3000; it imports pure code from src/domain.
  server: { proxy: { '/api': 'http://localhost:3000' }, fs: { allow: ['..'] } },
});
