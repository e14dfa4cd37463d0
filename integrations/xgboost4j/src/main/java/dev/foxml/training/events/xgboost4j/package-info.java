/**
 * XGBoost4J training reported by itself: {@link dev.foxml.training.events.xgboost4j.XGBoostTrainer}
 * trains one target's booster as {@code XGBoost.train} does and reports each boosting round, the
 * target's outcome with its best AUC, and a failure.
 */
package dev.foxml.training.events.xgboost4j;
