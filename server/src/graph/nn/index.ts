export * from './init.js';
export * from './models.js';
export * from './losses.js';
export * from './optimizers.js';
