package dev.agentjobs.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates commands with the {@link CliContext} of this invocation: a class with a {@code (CliContext)}
 * constructor gets it, anything else (mixins, converters) is made by picocli's default factory.
 */
final class CommandFactory implements CommandLine.IFactory {

    private final CliContext context;

    CommandFactory(CliContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        Constructor<K> withContext;
        try {
            withContext = cls.getDeclaredConstructor(CliContext.class);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(cls);
        }
        return withContext.newInstance(context);
    }
}
