package dev.livetoken.emulator;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class SetupMergeTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
    }

    static final String TOKEN = "{'model':'models/m','generationConfig':{'responseModalities':['AUDIO'],"
            + "'translationConfig':{'targetLanguageCode':'es'}},'outputAudioTranscription':{}}";
    static final String CLIENT = "{'model':'models/other','generationConfig':{'temperature':0.5,"
            + "'translationConfig':{'targetLanguageCode':'fr'}},'tools':[{'googleSearch':{}}],"
            + "'systemInstruction':{'parts':[{'text':'hi'}]},'sessionResumption':{'handle':'h1'},"
            + "'contextWindowCompression':{'slidingWindow':{}}}";

    @Test
    void noMaskAndNoTokenSetupTakesTheClientsSetup() throws Exception {
        assertEquals(json(CLIENT), SetupMerge.effective(null, null, json(CLIENT)));
    }

    @Test
    void noMaskWithTokenSetupIgnoresTheClientExceptTheResumptionHandle() throws Exception {
        ObjectNode eff = SetupMerge.effective(json(TOKEN), null, json(CLIENT));
        ObjectNode expected = json(TOKEN);
        expected.putObject("sessionResumption").put("handle", "h1");
        assertEquals(expected, eff);
    }

    @Test
    void maskedPathsComeFromTheTokenAndAbsentOnesAreRemoved() throws Exception {
        List<String> mask = List.of(
                "model",
                "generationConfig.responseModalities",
                "generationConfig.translationConfig",
                "outputAudioTranscription",
                "tools",
                "systemInstruction");
        ObjectNode eff = SetupMerge.effective(json(TOKEN), mask, json(CLIENT));
        assertEquals("models/m", eff.get("model").asText(), "locked model overrides, never rejects");
        assertEquals(
                "es",
                eff.at("/generationConfig/translationConfig/targetLanguageCode").asText());
        assertEquals(0.5, eff.at("/generationConfig/temperature").asDouble(), "unlocked fields stay the client's");
        assertFalse(eff.has("tools"), "locked as empty");
        assertFalse(eff.has("systemInstruction"), "locked as empty");
        assertEquals(json("{}"), eff.get("outputAudioTranscription"));
        assertEquals("h1", eff.at("/sessionResumption/handle").asText());
        assertEquals(json("{'slidingWindow':{}}"), eff.get("contextWindowCompression"));
    }

    @Test
    void unlockedTokenLetsTheClientsLanguageThrough() throws Exception {
        ObjectNode token = json("{'model':'models/m','generationConfig':{'responseModalities':['AUDIO']}}");
        ObjectNode eff =
                SetupMerge.effective(token, List.of("model", "generationConfig.responseModalities"), json(CLIENT));
        assertEquals(
                "fr",
                eff.at("/generationConfig/translationConfig/targetLanguageCode").asText());
        assertEquals("AUDIO", eff.at("/generationConfig/responseModalities/0").asText());
    }

    @Test
    void tokenLockedResumptionStillTakesTheHandleFromTheClientOnly() throws Exception {
        ObjectNode token = json("{'model':'models/m','sessionResumption':{'handle':'stale'}}");
        ObjectNode eff = SetupMerge.effective(token, List.of("sessionResumption"), json("{'model':'models/m'}"));
        assertNull(eff.get("sessionResumption").get("handle"));
        assertEquals("h1", SetupMerge.handle(json(CLIENT)));
        assertNull(SetupMerge.handle(json("{'sessionResumption':{}}")));
    }
}
