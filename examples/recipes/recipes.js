// A host site using the Persona widget: reading a recipe calls `track`, and "For you" is the catalogue in the order
// `rank` gives for this visitor. Persona runs on the visitor's device; this page never sees their history, only the
// order. Query parameters (all optional):
//   ?widget=<URL of persona-widget.js>   where the widget is served from (default: Persona's dev preview)
//   ?model=<URL of a GGUF model>         the model the widget's chat answers with
//   ?mode=same-origin|isolated           the widget's mode
const params = new URLSearchParams(location.search);
const widgetUrl = params.get('widget') ?? 'http://127.0.0.1:4173/persona-widget.js';

/** The catalogue. `features` are the site's own tags: Persona matches them against what the visitor read. */
export const RECIPES = [
  { id: 'lentil-soup', title: 'Red lentil soup', text: 'A warming soup of red lentils, cumin and lemon.', features: ['soup', 'vegetarian', 'quick'] },
  { id: 'chicken-tacos', title: 'Chicken tacos', text: 'Spiced chicken with lime, coriander and salsa in warm tortillas.', features: ['mexican', 'chicken', 'quick'] },
  { id: 'tomato-pasta', title: 'Tomato and basil pasta', text: 'Spaghetti with a fresh tomato, garlic and basil sauce.', features: ['pasta', 'italian', 'vegetarian'] },
  { id: 'salmon-rice', title: 'Miso salmon with rice', text: 'Salmon glazed with miso and honey, on rice with greens.', features: ['fish', 'japanese'] },
  { id: 'mushroom-risotto', title: 'Mushroom risotto', text: 'Creamy rice with mushrooms, parmesan and thyme.', features: ['italian', 'vegetarian', 'rice'] },
  { id: 'chocolate-cake', title: 'Chocolate fudge cake', text: 'A rich chocolate cake with a dark chocolate fudge icing.', features: ['dessert', 'chocolate', 'baking'] },
  { id: 'brownies', title: 'Chocolate brownies', text: 'Fudgy chocolate brownies with walnuts.', features: ['dessert', 'chocolate', 'baking'] },
  { id: 'chocolate-mousse', title: 'Chocolate mousse', text: 'A light, airy chocolate mousse with cream.', features: ['dessert', 'chocolate'] },
];

const $ = (id) => document.getElementById(id);

await import(widgetUrl);
const widget = document.createElement('persona-widget');
if (params.get('mode')) widget.setAttribute('mode', params.get('mode'));
if (params.get('model')) widget.setAttribute('model-url', params.get('model'));
widget.addEventListener('persona-error', (event) => {
  $('status').textContent = `Persona: ${event.detail.message}`;
});
const ready = new Promise((resolve) => widget.addEventListener('persona-ready', resolve, { once: true }));
document.body.append(widget);

renderCatalogue();
await ready;
await showForYou();

function renderCatalogue() {
  $('recipes').replaceChildren(
    ...RECIPES.map((recipe) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = `Read: ${recipe.title}`;
      button.addEventListener('click', () => read(recipe));
      item.append(button);
      return item;
    }),
  );
}

async function read(recipe) {
  $('reading').hidden = false;
  $('reading-title').textContent = recipe.title;
  $('reading-text').textContent = recipe.text;
  await widget.track({ kind: 'view', itemId: recipe.id, text: `${recipe.title}. ${recipe.text}`, url: `${location.origin}${location.pathname}#${recipe.id}` });
  await showForYou();
}

/** "For you": the catalogue in this visitor's order, each with Persona's reason. */
async function showForYou() {
  const ranked = await widget.rank(RECIPES.map(({ id, title, text, features }) => ({ id, text: `${title}. ${text}`, features })));
  const byId = new Map(RECIPES.map((recipe) => [recipe.id, recipe]));
  $('for-you').replaceChildren(
    ...ranked.map((entry) => {
      const item = document.createElement('li');
      item.dataset.id = entry.id;
      const reason = document.createElement('span');
      reason.className = 'reason';
      reason.textContent = ` — ${entry.reason}`;
      item.append(byId.get(entry.id)?.title ?? entry.id, reason);
      return item;
    }),
  );
  $('status').textContent = 'Ordered for you, on your device.';
}
