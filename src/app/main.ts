// The app's entry module: defining <persona-app> is all it takes; the element opens the store itself.
import './persona-app';
