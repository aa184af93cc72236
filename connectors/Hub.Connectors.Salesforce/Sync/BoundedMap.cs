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

    /// <summary>Replaces the value of every entry that <paramref name="match"/> picks, without making it more recently used.</summary>
    public void UpdateWhere(Func<TKey, TValue, bool> match, Func<TValue, TValue> update)
    {
        lock (_lock)
        {
            for (var node = _order.First; node is not null; node = node.Next)
            {
                if (match(node.Value.Key, node.Value.Value))
                {
                    node.Value = (node.Value.Key, update(node.Value.Value));
                }
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
