// Thin host: the store in a module worker, exposed with comlink. No logic lives here.
import { expose } from 'comlink';
import { StoreHost } from '../src/store/store-host';

expose(new StoreHost());
