package dev.livetoken.emulator;

import java.util.function.Consumer;

import io.vertx.core.Vertx;

import dev.livetoken.languages.LanguageCatalog;

/**
 * What an emulated connection needs from the emulator around it, handed over explicitly instead of
 * read from its owner's fields: the clock and tokens, resumption handles, planned faults, the
 * language catalogue, settings, and where to register while open (so shutdown can reach it).
 */
record LiveServices(
        Vertx vertx,
        EmulatorConfig config,
        EmulatorTokenStore tokens,
        ResumptionHandles handles,
        EmulatorFaults faults,
        LanguageCatalog languages,
        Consumer<LiveConnection> opened,
        Consumer<LiveConnection> closed) {}
