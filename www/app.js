// @ts-check
// Boots the Conclave client (Rust compiled to WebAssembly). The wasm module's start
// function renders the app into #app. No key material passes through this file.
import init from './pkg/client.js';

init().catch((error) => {
  const root = document.getElementById('app') ?? document.body;
  const message = document.createElement('p');
  message.className = 'boot-error';
  message.setAttribute('role', 'alert');
  message.textContent = `Conclave could not start: ${error}`;
  root.replaceChildren(message);
});
