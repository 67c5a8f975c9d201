// Thin host: llama.cpp (wllama) in a module worker, exposed with comlink (see wllama-runtime.ts for its files).
import { expose } from 'comlink';
import { ChatBackendHost } from '../src/llm/chat-backend-host';
import { createWllamaBackend } from './wllama-runtime';

expose(new ChatBackendHost(createWllamaBackend()));
