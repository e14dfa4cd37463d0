/**
 * Test support shared by the integration modules' tests (a recording emitter, strict line
 * checks, a killable Unix socket reader); not published.
 */
package dev.foxml.training.events.testkit;
