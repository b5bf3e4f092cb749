/** Event consumers: define a `Consumer`, mix `consumerMixin(consumer, app)` into a service. */
export { busEventName, wants } from "./consumer";
export type { ConsumedEvent, Consumer } from "./consumer";
export { consumerMixin } from "./consumer.mixin";
export type { ConsumerHost, ConsumerTuning } from "./consumer.mixin";
export { KafkaConsumerRunner, topicsOf } from "./kafka-runner";
export type { KafkaRunnerOptions } from "./kafka-runner";
export { ConsumerProcessor, tableDeadLetters } from "./processor";
export type { DeadLetter, DeadLetterSink, ProcessorOptions } from "./processor";
