/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples', '<rootDir>/sdk'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } },
    ],
  },
  // @middy/*, fauxqs (the local SQS) and jose (OIDC tokens) are ESM-only; let ts-jest turn them into
  // CommonJS for Jest's module registry. fauxqs's own dependencies all ship CommonJS builds.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|fauxqs|jose)/)'],
  moduleNameMapper: {
    '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
    '^fauxqs$': '<rootDir>/node_modules/fauxqs/dist/app.js',
    '^api-key-platform$': '<rootDir>/infra/index.ts',
    '^api-key-platform/definition$': '<rootDir>/functions/definition/public.ts',
    '^api-key-platform/backend$': '<rootDir>/functions/backend/index.ts',
  },
  // Leadbase's API is the active definition unless a test picks another (useApi).
  setupFiles: ['<rootDir>/test/support/active-api-setup.ts'],
  testTimeout: 30000,
};
