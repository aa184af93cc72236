namespace Hub.Connectors.Salesforce.Sync;

/// <summary>A dictionary that forgets its least recently used entries beyond a capacity.</summary>
internal sealed class BoundedMap<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _index = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
            value = default!;
            return false;
        }
    }

    public void Remove(TKey key)
    {
        lock (_lock)
        {
            if (_index.Remove(key, out var existing))
            {
                _order.Remove(existing);
            }
        }
    }

    public void Set(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_index.Remove(key, out var existing))
            {
                _order.Remove(existing);
            }
            _index[key] = _order.AddFirst((key, value));
            if (_index.Count > capacity)
            {
                _index.Remove(_order.Last!.Value.Key);
                _order.RemoveLast();
            }
        }
    }
}
