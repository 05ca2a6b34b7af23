// The parent's pages (seed steps 1–14): a hash router over views in js/views/.
import { startPages } from './frame.js';
import { loadRules } from './rules.js';
import { applicationView } from './views/application.js';
import { chooseView } from './views/choose.js';
import { documentView } from './views/document.js';
import { journalView } from './views/journal.js';
import { loginView } from './views/login.js';
import { profileView } from './views/profile.js';
import { serviceView } from './views/service.js';

const routes = [
  [/^#\/?$/, serviceView],
  [/^#\/login/, () => loginView()],
  [/^#\/profile/, profileView],
  [/^#\/journal(?:\/(documents))?$/, journalView],
  [/^#\/application\/([\w-]{1,64})$/, applicationView],
  [/^#\/choose\/([\w-]{1,64})$/, chooseView],
  [/^#\/document\/([\w-]{1,64})\/([\w-]{1,64})$/, documentView],
];

startPages({ routes, title: (texts) => texts.serviceTitle, loggedOut: '#/', before: loadRules });
