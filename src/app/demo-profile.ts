// A demo profile for trying the app without a history of one's own: Noor Castell, a fictional cyclist and home cook
// who is learning Portuguese and reads science fiction. Written for this project; any likeness is chance. Applied
// through the public Persona API only, with fixed ids, so applying it twice records nothing twice.
import type { HistoryEventInput } from '../core/history-event';
import type { MemoryInput } from '../core/memory';
import type { Persona } from '../persona';

const DAY_MS = 86_400_000;
const SOURCE = 'demo';

/** The demo's events, as [days ago, event without ts]; ids are fixed so a second application finds them stored. */
const EVENTS: readonly [number, Omit<HistoryEventInput, 'ts' | 'source'> & { id: string }][] = [
  [34, { id: 'demo-01', kind: 'note', text: 'Bought a second-hand steel touring bike, a Dawes Galaxy from the 90s. Needs new brake pads.' }],
  [33, { id: 'demo-02', kind: 'message', role: 'user', text: 'What is a good beginner route for a 60 km weekend ride with little climbing?' }],
  [33, { id: 'demo-03', kind: 'message', role: 'assistant', text: 'A river path is ideal: flat, few cars, and cafés to stop at. Take a spare tube and a pump.' }],
  [31, { id: 'demo-04', kind: 'view', text: 'Read: How to true a bicycle wheel at home', itemId: 'article-wheel-truing', metadata: { action: 'read' } }],
  [30, { id: 'demo-05', kind: 'rating', text: 'Rated the novel "The Dispossessed"', itemId: 'book-dispossessed', rating: 5 }],
  [29, { id: 'demo-06', kind: 'note', text: 'Portuguese lesson 4: the difference between ser and estar finally makes sense.' }],
  [27, { id: 'demo-07', kind: 'click', text: 'Opened recipe: Caldo verde (Portuguese kale and potato soup)', itemId: 'recipe-caldo-verde' }],
  [27, { id: 'demo-08', kind: 'note', text: 'Cooked caldo verde for friends. Less salt next time, more olive oil at the end.' }],
  [25, { id: 'demo-09', kind: 'message', role: 'user', text: 'Can you suggest vegetarian dinners that keep well for two days?' }],
  [25, { id: 'demo-10', kind: 'message', role: 'assistant', text: 'Lentil stews, chickpea curries and baked pasta all keep well and taste better on day two.' }],
  [23, { id: 'demo-11', kind: 'rating', text: 'Rated the recipe "Red lentil dal"', itemId: 'recipe-red-lentil-dal', rating: 4 }],
  [22, { id: 'demo-12', kind: 'view', text: 'Read: A beginner’s guide to bikepacking bags', itemId: 'article-bikepacking-bags', metadata: { action: 'read' } }],
  [21, { id: 'demo-13', kind: 'note', text: 'Rode 72 km along the river today, my longest ride yet. Knees fine, legs tired.' }],
  [19, { id: 'demo-14', kind: 'search', text: 'lightweight tent for bike touring' }],
  [18, { id: 'demo-15', kind: 'rating', text: 'Rated the novel "A Memory Called Empire"', itemId: 'book-memory-called-empire', rating: 4 }],
  [17, { id: 'demo-16', kind: 'note', text: 'Portuguese: practised the past tense with podcast episodes on the train. Slow but steady.' }],
  [16, { id: 'demo-17', kind: 'click', text: 'Opened: Lisbon neighbourhood guide for a first visit', itemId: 'guide-lisbon' }],
  [15, { id: 'demo-18', kind: 'message', role: 'user', text: 'I am planning a week in Lisbon in spring. Which day trips are possible by train?' }],
  [15, { id: 'demo-19', kind: 'message', role: 'assistant', text: 'Sintra and Cascais are both under an hour by train; Évora is a longer but lovely trip.' }],
  [13, { id: 'demo-20', kind: 'rating', text: 'Rated the recipe "Mushroom and barley risotto"', itemId: 'recipe-barley-risotto', rating: 2 }],
  [12, { id: 'demo-21', kind: 'note', text: 'The barley risotto was bland. I prefer dishes with some heat or sharp flavours.' }],
  [10, { id: 'demo-22', kind: 'view', text: 'Read: Choosing gears for hilly touring', itemId: 'article-touring-gears', metadata: { action: 'read' } }],
  [9, { id: 'demo-23', kind: 'bookmark', text: 'Saved: Weekend bike route along the coast, 85 km', itemId: 'route-coast-85' }],
  [8, { id: 'demo-24', kind: 'rating', text: 'Rated the novel "Children of Time"', itemId: 'book-children-of-time', rating: 5 }],
  [6, { id: 'demo-25', kind: 'note', text: 'Book club picked "Piranesi" for next month. Started it on the train home.' }],
  [5, { id: 'demo-26', kind: 'click', text: 'Opened recipe: Spicy chickpea and spinach stew', itemId: 'recipe-chickpea-stew' }],
  [4, { id: 'demo-27', kind: 'message', role: 'user', text: 'How do I say “I would like a table for two, please” in Portuguese?' }],
  [4, { id: 'demo-28', kind: 'message', role: 'assistant', text: '“Queria uma mesa para dois, por favor.” In Portugal “queria” is the polite form people use.' }],
  [2, { id: 'demo-29', kind: 'note', text: 'New brake pads fitted myself, first time. Took an hour and a video tutorial.' }],
  [1, { id: 'demo-30', kind: 'search', text: 'science fiction novels like Children of Time' }],
];

const PREFERENCES: Readonly<Record<string, string>> = {
  diet: 'vegetarian',
  units: 'metric (km, kg, °C)',
  'answer-length': 'short, with a list when there are steps',
  language: 'English; Portuguese examples welcome',
};

const MEMORIES: readonly (MemoryInput & { id: string })[] = [
  { id: 'demo-memory-bike', text: 'Rides a second-hand steel touring bike and does small repairs on it.', category: 'fact', sourceEventIds: ['demo-01', 'demo-29'] },
  { id: 'demo-memory-vegetarian', text: 'Cooks vegetarian food and likes dishes with some heat or sharp flavours.', category: 'preference', sourceEventIds: ['demo-09', 'demo-21'], pinned: true },
  { id: 'demo-memory-portuguese', text: 'Is learning Portuguese, mostly with lessons and podcasts.', category: 'goal', sourceEventIds: ['demo-06', 'demo-16', 'demo-27'] },
  { id: 'demo-memory-lisbon', text: 'Plans a week in Lisbon in spring, travelling by train.', category: 'plan', sourceEventIds: ['demo-17', 'demo-18'] },
  { id: 'demo-memory-scifi', text: 'Enjoys thoughtful science fiction (The Dispossessed, Children of Time).', category: 'preference', sourceEventIds: ['demo-05', 'demo-24', 'demo-30'] },
  { id: 'demo-memory-distance', text: 'Longest ride so far: 72 km along the river.', category: 'fact', sourceEventIds: ['demo-13'], confidence: 0.8 },
];

const SUMMARY =
  'Noor is a vegetarian home cook and a new touring cyclist who fixes their own bike. They are learning Portuguese ahead of ' +
  'a spring week in Lisbon, read thoughtful science fiction, and like short, practical answers.';

/** The demo's events, dated relative to `now` (the days before it). */
export function demoEvents(now: number): HistoryEventInput[] {
  return EVENTS.map(([daysAgo, event]) => ({ ...event, ts: now - daysAgo * DAY_MS + hourOf(event.id), source: SOURCE }));
}

export const DEMO_PREFERENCES = PREFERENCES;
export const DEMO_MEMORIES = MEMORIES;
export const DEMO_SUMMARY = SUMMARY;

/** What applying the demo did: `recorded` is 0 while learning is paused (Persona records nothing then). */
export interface DemoResult {
  recorded: number;
}

/**
 * Writes the demo through the public API. Events and memories carry fixed ids, preferences and the summary are
 * replaced by the same values, so a second application changes nothing the user could see twice.
 */
export async function applyDemoProfile(persona: Persona, now = Date.now()): Promise<DemoResult> {
  const recorded = await persona.record(demoEvents(now));
  for (const [key, value] of Object.entries(PREFERENCES)) await persona.profile.setPreference(key, value);
  const existing = new Set((await persona.memories.list()).map((memory) => memory.id));
  for (const memory of MEMORIES) if (!existing.has(memory.id)) await persona.memories.add({ ...memory, by: 'import' });
  await persona.profile.editSummary(SUMMARY);
  return { recorded: recorded.length };
}

/** Spreads a day's events over waking hours, so two on one day keep their order in the history. */
function hourOf(id: string): number {
  return (9 + (Number(id.slice(-2)) % 12)) * 3_600_000;
}
