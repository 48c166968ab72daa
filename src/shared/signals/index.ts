export { defaultSignalPrefix, signalChannels, type ConsentChanged } from './channels.ts';
export {
  createSignalPublisher,
  type SignalPublisher,
  type SignalPublisherOptions,
} from './publisher.ts';
export { closeRedis, redisConnection } from './redis.ts';
export {
  createSignalSubscriber,
  type SignalHandlers,
  type SignalSubscriber,
  type SignalSubscriberOptions,
} from './subscriber.ts';
