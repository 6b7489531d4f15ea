export { createWebRuntime, type WebDevice, type WebRuntimeSettings, type LoadProgressEvent } from './web-runtime';
