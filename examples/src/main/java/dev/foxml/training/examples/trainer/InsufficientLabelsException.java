package dev.foxml.training.examples.trainer;

/**
 * A target whose data cannot support a model: too few rows carry its positive label for a
 * model to learn from or for an AUC to mean anything.
 */
public final class InsufficientLabelsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InsufficientLabelsException(String message) {
        super(message);
    }
}
