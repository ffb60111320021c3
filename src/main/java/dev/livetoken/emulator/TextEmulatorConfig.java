package dev.livetoken.emulator;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Timing of the emulated {@code streamGenerateContent} (served only when the emulator is on). */
@ConfigMapping(prefix = "livetoken.emulator.text")
public interface TextEmulatorConfig {

    /** Delay before the first chunk, standing in for the model's time to first token. Default 100 ms. */
    @WithDefault("PT0.1S")
    Duration firstByteDelay();

    /** Delay between the following chunks. Default 20 ms. */
    @WithDefault("PT0.02S")
    Duration chunkInterval();

    /** Words of the pseudo-translation per chunk. Default 3. */
    @WithDefault("3")
    int wordsPerChunk();
}
