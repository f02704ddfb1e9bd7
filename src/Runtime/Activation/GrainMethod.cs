using System.Linq.Expressions;
using System.Reflection;

namespace MachineGrid.Runtime.Activation;

/// <summary>A grain interface method the runtime can invoke: its flags and a compiled invoker.</summary>
internal abstract class GrainMethod(MethodInfo method)
{
    public MethodInfo Method { get; } = method;

    /// <summary>Interface and method name, e.g. <c>IMachineGrain.Heartbeat</c>, for errors and logs.</summary>
    public string Name { get; } = $"{method.DeclaringType!.Name}.{method.Name}";

    public bool AlwaysInterleave { get; } = method.IsDefined(typeof(AlwaysInterleaveAttribute));

    public bool ReadOnly { get; } = method.IsDefined(typeof(ReadOnlyAttribute));

    public bool OneWay { get; } = method.IsDefined(typeof(OneWayAttribute));

    /// <summary>Calls the method on the grain instance and returns its task.</summary>
    public abstract Task Invoke(object grain, object?[] arguments);

    /// <summary>A faulted task of the method's return type, for a method that threw instead of returning a task.</summary>
    public abstract Task FromException(Exception exception);

    /// <summary>Creates a queued call carrying this method, whose task the caller awaits.</summary>
    public abstract Message CreateMessage(object?[] arguments, CallChain? caller);

    /// <summary>Checks the method's shape and compiles its invoker.</summary>
    public static GrainMethod Create(MethodInfo method)
    {
        var where = $"{method.DeclaringType!.Name}.{method.Name}";
        if (method.IsGenericMethodDefinition)
        {
            throw new ArgumentException($"Grain method {where} must not be generic.");
        }
        foreach (var parameter in method.GetParameters())
        {
            var type = parameter.ParameterType;
            if (type.IsByRef || type.IsPointer || typeof(Delegate).IsAssignableFrom(type) || typeof(IGrain).IsAssignableFrom(type) || typeof(Task).IsAssignableFrom(type))
            {
                throw new ArgumentException($"Grain method {where} has parameter '{parameter.Name}' of type {type.Name}; grain-call arguments must be serializable values (pass grain keys, not references, delegates or tasks).");
            }
        }
        if (method.ReturnType == typeof(Task))
        {
            return new VoidGrainMethod(method, Compile<Task>(method));
        }
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            if (method.IsDefined(typeof(OneWayAttribute)))
            {
                throw new ArgumentException($"Grain method {where} is [OneWay] and so must return Task, not {method.ReturnType.Name}.");
            }
            var resultType = method.ReturnType.GetGenericArguments()[0];
            var invokerType = typeof(Func<,,>).MakeGenericType(typeof(object), typeof(object?[]), method.ReturnType);
            var invoker = typeof(GrainMethod).GetMethod(nameof(Compile), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(method.ReturnType).Invoke(null, [method])!;
            return (GrainMethod)Activator.CreateInstance(typeof(ResultGrainMethod<>).MakeGenericType(resultType), method, invoker)!;
        }
        throw new ArgumentException($"Grain method {where} returns {method.ReturnType.Name}; grain methods must return Task or Task<T>.");
    }

    private static Func<object, object?[], TTask> Compile<TTask>(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters()
            .Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        return Expression.Lambda<Func<object, object?[], TTask>>(call, grain, arguments).Compile();
    }
}
