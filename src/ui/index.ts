// Persona's UI elements for host pages (`import 'persona/ui'`): importing this module defines <persona-app> and the
// six views it shows. <persona-app> opens the engine itself; a view placed on its own needs its `persona` property
// set to a Persona from createPersona() (and, to follow changes, `changes` — see PersonaView).
export { PersonaApp } from '../app/persona-app';
export { CHANGE_EVENT, PersonaView } from './persona-view';
export { PersonaChatView } from './views/persona-chat-view';
export { PersonaHistoryView } from './views/persona-history-view';
export { PersonaMemoriesView } from './views/persona-memories-view';
export { PersonaModelsView } from './views/persona-models-view';
export { PersonaPrivacyView } from './views/persona-privacy-view';
export { PersonaProfileView } from './views/persona-profile-view';
