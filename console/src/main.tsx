/** The console's entry: reads the runtime config from the page and renders the shell. */
import { render } from 'preact';
import { App } from './app/App';
import { readConfig } from './app/config';

const root = document.getElementById('console');
if (root) render(<App config={readConfig()} />, root);
